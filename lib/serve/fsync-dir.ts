/**
 * fsync of a folder, so a file just created or renamed into it survives a power cut (fsync of
 * the file alone keeps its data, not the folder entry that names it).
 */
import * as fs from "node:fs";

/** fsyncs the folder `dir`; a no-op where folders cannot be opened or synced. */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, "r");
  } catch {
    return; // platforms that cannot open a folder (Windows) cannot fsync one either
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a folder; the rename is then as durable as they make it
  } finally {
    fs.closeSync(fd);
  }
}
