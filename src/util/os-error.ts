/** What an operating-system error code means, in words (for messages that end in exit 2). */
const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or folder",
  ENOTDIR: "not a folder (or a part of the path is not)",
  EISDIR: "is a folder, not a file",
  EEXIST: "already exists (and is not a folder)",
  ENOTEMPTY: "folder not empty",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  EBUSY: "busy",
  EXDEV: "on another file system",
  EINVAL: "invalid argument for this file or address",
  EADDRNOTAVAIL: "this address does not belong to this machine",
  EADDRINUSE: "address already in use (another program listens there)",
  ENOTSUP: "operation not supported here",
  EOPNOTSUPP: "operation not supported here",
  EIO: "input/output error",
};

/**
 * An operating-system error (a failed file or network call) as one line naming the path or
 * address and the reason, e.g. "/dev/null/runs: a part of the path is not a folder (ENOTDIR,
 * mkdir)"; null for any other error.
 */
export function describeOsError(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  if (!err || typeof err !== "object" || typeof err.code !== "string" || !(err.code in REASONS)) return null;
  if (typeof err.syscall !== "string") return null;
  const where =
    err.path !== undefined
      ? err.dest !== undefined
        ? `${err.path} -> ${err.dest}`
        : err.path
      : err.address !== undefined
        ? `${err.address}${err.port !== undefined ? `:${err.port}` : ""}`
        : null;
  const reason = `${REASONS[err.code]} (${err.code}, ${err.syscall})`;
  return where ? `${where}: ${reason}` : reason;
}
