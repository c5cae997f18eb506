/**
 * Turns what the browser hands over (a drop, a paste, a picker) into files with their folder paths.
 * Dropped folders are walked with the File and Directory Entries API, which only the drop event offers.
 */
import type {FileWithPath} from '../../core/types.ts';

/** Files from an <input type=file>; with `webkitdirectory`, each carries its path inside the picked folder. */
export function filesFromInput(input: HTMLInputElement): FileWithPath[] {
  return Array.from(input.files ?? [], (file) => ({file, relativePath: folderOf(file.webkitRelativePath)}));
}

/**
 * Files from a drop or a paste. With `folders`, dropped folders are walked recursively;
 * without, folders are skipped (a folder's placeholder File cannot be read anyway).
 */
export async function filesFromDataTransfer(data: DataTransfer, {folders}: {folders: boolean}): Promise<FileWithPath[]> {
  const items = Array.from(data.items ?? []).filter((item) => item.kind === 'file');
  // Entries and files must be taken synchronously: the DataTransfer is emptied once the event handler returns.
  const entries = items.map((item) => item.webkitGetAsEntry?.() ?? null);
  const plain = Array.from(data.files ?? []);
  if (entries.length && entries.every((entry) => entry)) {
    const out: FileWithPath[] = [];
    for (const [index, entry] of entries.entries()) {
      if (entry!.isDirectory) {
        if (folders) await walk(entry!, '', out);
      } else if (plain[index]) {
        out.push({file: plain[index], relativePath: ''});
      } else {
        await walk(entry!, '', out);
      }
    }
    return out;
  }
  return plain.map((file) => ({file, relativePath: ''}));
}

async function walk(entry: FileSystemEntry, folder: string, out: FileWithPath[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({file, relativePath: folder});
    return;
  }
  if (!entry.isDirectory) return;
  const path = folder ? `${folder}/${entry.name}` : entry.name;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (about 100 in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) await walk(child, path, out);
  }
}

/** "photos/2024/a.jpg" → "photos/2024". */
function folderOf(relativePath: string): string {
  const cut = relativePath.lastIndexOf('/');
  return cut > 0 ? relativePath.slice(0, cut) : '';
}
