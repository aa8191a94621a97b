// Failed file system calls in words a user can act on, for problem lists and error messages.
//
//   describeFsError(e, "cannot read folder") // "cannot read folder: permission denied"

/** A failed file system call in words a user can act on. */
export function describeFsError(e: unknown, what: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `${what}: it vanished while trove was reading the tree`;
  if (code === "ELOOP") return `${what}: symlink loop`;
  if (code === "EACCES" || code === "EPERM") return `${what}: permission denied`;
  return `${what}: ${code ?? (e as Error).message}`;
}
