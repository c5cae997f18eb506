// The benchmarks' 24-megapixel camera-like JPEG, made in the page.

/** 6000×4000 with gradients and noise, as a camera JPEG at quality 0.92 (made once, outside the timing). */
export async function makeJpeg(): Promise<File> {
  const canvas = new OffscreenCanvas(6000, 4000);
  const ctx = canvas.getContext('2d')!;
  const gradient = ctx.createLinearGradient(0, 0, 6000, 4000);
  gradient.addColorStop(0, '#3a6ea5');
  gradient.addColorStop(0.5, '#f3c623');
  gradient.addColorStop(1, '#7a2e2e');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 6000, 4000);
  const tile = ctx.createImageData(500, 500);
  let seed = 7;
  for (let i = 0; i < tile.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    tile.data.set([seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255, 40], i);
  }
  const noise = await createImageBitmap(tile);
  for (let y = 0; y < 4000; y += 500) for (let x = 0; x < 6000; x += 500) ctx.drawImage(noise, x, y);
  const blob = await canvas.convertToBlob({type: 'image/jpeg', quality: 0.92});
  return new File([blob], 'camera-24mp.jpg', {type: 'image/jpeg'});
}

