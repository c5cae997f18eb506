/**
 * SSIM of two same-sized RGBA images on their luma, over 8×8 windows (the usual constants for 8-bit values):
 * 1 is identical. Cheap enough for a few megapixels, and enough to compare encoders and scalers.
 */
export function ssim(a: ImageData, b: ImageData): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`ssim: ${a.width}×${a.height} against ${b.width}×${b.height}`);
  const {width, height} = a;
  const luma = (d: Uint8ClampedArray, i: number) => 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  let windows = 0;
  for (let y0 = 0; y0 + 8 <= height; y0 += 8) {
    for (let x0 = 0; x0 + 8 <= width; x0 += 8) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let y = y0; y < y0 + 8; y++) {
        for (let x = x0; x < x0 + 8; x++) {
          const i = (y * width + x) * 4;
          const p = luma(a.data, i);
          const q = luma(b.data, i);
          sa += p; sb += q; saa += p * p; sbb += q * q; sab += p * q;
        }
      }
      const n = 64;
      const ma = sa / n, mb = sb / n;
      const va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      windows++;
    }
  }
  return total / windows;
}

/** The exact box-filter reduction by an integer factor: the reference a scaler's output is compared with. */
export function boxReduce(source: ImageData, factor: number): ImageData {
  const width = Math.floor(source.width / factor);
  const height = Math.floor(source.height / factor);
  const out = new ImageData(width, height);
  const n = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sum = [0, 0, 0, 0];
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const i = ((y * factor + dy) * source.width + x * factor + dx) * 4;
          for (let c = 0; c < 4; c++) sum[c]! += source.data[i + c]!;
        }
      }
      out.data.set(sum.map((s) => Math.round(s / n)), (y * width + x) * 4);
    }
  }
  return out;
}
