// The process launcher's helper in Python: starts each task with posix_spawn, the cheapest way to
// start a process from a program that is not tiny. Same protocol as the Perl one (launcher.ts).
//
//   spawn("python3", ["-I", "-S", "-c", PYTHON_HELPER, "4"], { stdio: ["pipe", "pipe", "inherit"] });
//
// Why not fork: a fork copies the parent's page tables and write-protects its memory, so parent and
// child then take a fault on every page either writes (a copy, for the child). Forking perl cost
// ~230 page faults and ~3 ms of CPU per task under load, against ~105 for xargs (measured, 2 cores);
// glibc's posix_spawn shares the memory with the child until exec (clone with CLONE_VM|CLONE_VFORK),
// which cost ~55 faults and about half the CPU. It also reports exec's error number itself, and
// waits for the exec, so no error pipe is needed.
//
// Each task: its own session (setsid), stdin /dev/null, stdout and stderr appended to its log (one
// open here, written the prelude, then dup'ed into the child), every signal at its default (python
// ignores SIGPIPE, and an ignored signal stays ignored across exec), nothing blocked, and the command
// searched in the task's own PATH as execvp would. Everything python opens is close-on-exec.

export const PYTHON_HELPER = String.raw`
import os, sys, signal, select, stat
if not hasattr(os, "posix_spawn") or sys.version_info < (3, 8):
    sys.exit(3)  # setsid and file actions came in 3.8: trove starts its perl helper instead
spawn, environ, wnohang = os.posix_spawn, os.environb, os.WNOHANG
flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
replace = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
# a task starts with default signal handling and nothing blocked (python itself ignores SIGPIPE)
sigdef = set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP}
devnull = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
out = os.fdopen(1, "wb", buffering=0)
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGCHLD, lambda *a: None)
limit = int(sys.argv[1])
out.write(b"ready\n")
token, queue, fields, buf, eof = {}, [], [], b"", False
replies = []  # written once per turn of the loop: one write, and one read for trove, per batch
here = os.getcwdb()
paused = False  # after a failure, until trove says go (G): a stop then starts nothing more

found = {}  # (command, PATH) -> its path: a search is a stat per PATH folder, per task

def find(cmd, env):
    """What execvp would run, searched in the task's own PATH; OSError like exec's."""
    if b"/" in cmd:
        return cmd
    key = (cmd, env.get(b"PATH", b"/usr/local/bin:/usr/bin:/bin"))
    path = found.get(key)
    if path is not None:
        return path
    denied = False
    for d in key[1].split(b":"):
        path = os.path.join(d or b".", cmd)
        try:
            if stat.S_ISREG(os.stat(path).st_mode):
                if os.access(path, os.X_OK):
                    found[key] = path
                    return path
                denied = True
        except OSError:
            pass
    raise OSError(13 if denied else 2, "")

def spawn_found(args, env, actions):
    path = find(args[0], env)
    try:
        return spawn(path, args, env, file_actions=actions, setsid=True, setsigdef=sigdef, setsigmask=())
    except OSError as err:
        if err.errno == 8:  # ENOEXEC: no #! line; execvp (perl, node) hands such a file to sh
            return spawn(b"/bin/sh", [b"sh", path] + args[1:], env, file_actions=actions, setsid=True, setsigdef=sigdef, setsigmask=())
        if found.pop((args[0], env.get(b"PATH", b"/usr/local/bin:/usr/bin:/bin")), None) is None:
            raise
        return spawn_found(args, env, actions)  # the command found earlier went away: search again

def launch(t, cwd, log, prelude, files, env, args):
    global here
    try:
        for i in range(0, len(files), 2):
            fd = os.open(files[i], replace, 0o666)
            try:
                os.write(fd, files[i + 1])
            finally:
                os.close(fd)
        fd = os.open(log, flags, 0o666)
        try:
            if prelude:
                os.write(fd, prelude)
            if here != cwd:
                os.chdir(cwd)
                here = cwd
            e = dict(base)
            for i in range(0, len(env), 2):
                e[env[i]] = env[i + 1]
            pid = spawn_found(args, e, [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)])
        finally:
            os.close(fd)
    except OSError as err:
        replies.append(b"E %s %d\n" % (t, err.errno or 5))
        return
    token[pid] = t
    replies.append(b"P %s %d\n" % (t, pid))

base = dict(environ)
while True:
    ready = select.select([wake_r] if eof else [wake_r, 0], [], [], 0.5)[0]
    if wake_r in ready:
        os.read(wake_r, 4096)
    while token:
        try:
            pid, status = os.waitpid(-1, wnohang)
        except ChildProcessError:
            break
        if pid == 0:
            break
        t = token.pop(pid, None)
        if t is not None:
            try:  # whatever the leader left running in its group must not outlive the task
                os.killpg(pid, 9)
            except OSError:
                pass
            replies.append(b"X %s %d\n" % (t, status))
            paused = paused or status != 0
    if 0 in ready:
        got = os.read(0, 1 << 16)
        if not got:
            eof, paused = True, False
        else:
            parts = (buf + got).split(b"\0")
            buf = parts.pop()
            fields += parts
            while fields:
                if fields[0] == b"G":  # trove has seen the failure: go on
                    del fields[:1]
                    paused = False
                elif fields[0] == b"C":
                    if len(fields) < 2:
                        break
                    t = fields[1]
                    del fields[:2]
                    before = len(queue)
                    queue = [q for q in queue if q[0] != t]
                    if len(queue) < before:
                        replies.append(b"E %s 125\n" % t)  # ECANCELED: it never started
                else:  # R
                    if len(fields) < 6:
                        break
                    i, counts = 5, []
                    for width in (2, 2, 1):  # files (path, text), env (key, value), args
                        if len(fields) <= i:
                            break
                        counts.append(int(fields[i]))
                        i += 1 + width * counts[-1]
                    if len(counts) < 3 or len(fields) < i:
                        break
                    _, t, cwd, log, prelude = fields[:5]
                    j = 6 + 2 * counts[0]
                    files = fields[6:j]
                    env = fields[j + 1:j + 1 + 2 * counts[1]]
                    j += 1 + 2 * counts[1]
                    args = fields[j + 1:j + 1 + counts[2]]
                    del fields[:i]
                    queue.append((t, cwd, log, prelude, files, env, args))
    # like xargs: a slot that frees starts the next queued command without a round trip to trove
    while queue and not paused and len(token) < limit:
        launch(*queue.pop(0))
    if replies:
        out.write(b"".join(replies))
        replies.clear()
    if eof and not token and not queue:
        break
`;
