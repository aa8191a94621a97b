// Starts task processes from a small helper process instead of from trove itself.
//
//   const launcher = ProcessLauncher.start(4);         // 4 at once; null where perl is missing
//   const child = launcher!.launch({ command: ["sh", "-c", "echo hi"], cwd: "/data", env: {}, logFile: "/tmp/x.log" });
//   await child.pid;       // 4242 (also its process group)
//   await child.ended;     // { code: 0, signal: null }, or { errno: "ENOENT" } when it could not start
//   launcher!.close();
//
// Why: starting a process forks the parent, and a fork costs in proportion to the parent's
// memory. trove holds DuckDB and the plan of every task, which made each spawn cost ~8 ms against
// ~1 ms for xargs (measured, 2 cores); the per-task overhead was 5x the floor. The helper is a
// few lines of Perl (perl-base is part of every Debian system) whose forks are as cheap as xargs'.
// Each child gets its own session (so trove can signal its whole process group), stdin from
// /dev/null, stdout and stderr appended to its log, and exec's error number back through a
// close-on-exec pipe, so "command not found" is reported as precisely as Node's spawn does.
//
// Protocol: requests are NUL-separated fields (values may hold anything but NUL):
//   R token cwd log prelude nfiles [path text]... nenv [key value]... nargs [arg]...
// The helper writes the files and the prelude (to the log) just before it forks the command.
// replies are lines: "P token pid" (started) then "X token status" (exited; a wait status:
// code << 8 | signal), or "E token errno" (could not start).

import { spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";

const SCRIPT = String.raw`
use strict; use warnings; use POSIX (); use Fcntl;
binmode STDIN; $| = 1;
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
fcntl($wake_w, F_SETFL, O_NONBLOCK);
$SIG{CHLD} = sub { syswrite($wake_w, "x") };
my $max = $ARGV[0];
my (%token, @fields, @queue, $eof);
my $buf = '';
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $t = delete $token{$pid}; print "X $t $?\n" if defined $t;
  }
}
sub launch {
  my ($t, $cwd, $log, $prelude, $files, $env, $args) = @_;
  # files and the log's prelude are written here, not in the child: a forked perl that writes
  # touches its copy-on-write pages, which made each start cost 3 ms instead of 0.5 (measured)
  my @f = @$files;
  while (my ($path, $text) = splice(@f, 0, 2)) {
    my $fh; unless (open($fh, '>', $path) and binmode($fh) and print($fh $text) and close($fh)) { print "E $t " . ($! + 0) . "\n"; return; }
  }
  if ($prelude ne '') {
    my $fh; unless (open($fh, '>>', $log) and print($fh $prelude) and close($fh)) { print "E $t " . ($! + 0) . "\n"; return; }
  }
  pipe(my $err_r, my $err_w) or do { print "E $t " . ($! + 0) . "\n"; return; };
  my $pid = fork();
  if (!defined $pid) { print "E $t " . ($! + 0) . "\n"; return; }
  if ($pid == 0) {
    close $err_r; $SIG{CHLD} = 'DEFAULT';
    my $fail = sub { syswrite($err_w, ($! + 0) . ""); POSIX::_exit(127); };
    POSIX::setsid();
    open(STDIN, '<', '/dev/null') or $fail->();
    open(STDOUT, '>>', $log) or $fail->();
    open(STDERR, '>&', \*STDOUT) or $fail->();
    chdir($cwd) or $fail->();
    my %add = @$env; $ENV{$_} = $add{$_} for keys %add;
    { no warnings; exec { $args->[0] } @$args; }
    $fail->();
  }
  close $err_w;
  # Wait here until the child has exec'd (EOF) or failed to (an error number). Until then parent
  # and child share their memory copy-on-write, and every page this loop touched was copied: going
  # on at once cost 1-2 ms of CPU per task, measured; waiting costs the child's few syscalls.
  my $errno = ''; sysread($err_r, $errno, 32); close $err_r;
  if ($errno ne '') { waitpid($pid, 0); print "E $t $errno\n"; return; }
  $token{$pid} = $t;
  print "P $t $pid\n";
}
while (1) {
  my $rin = ''; vec($rin, fileno($wake_r), 1) = 1; vec($rin, fileno(STDIN), 1) = 1 unless $eof;
  my $n = select(my $rout = $rin, undef, undef, 0.5);
  sysread($wake_r, my $junk, 4096) if $n > 0 && vec($rout, fileno($wake_r), 1);
  reap();
  if ($n > 0 && !$eof && vec($rout, fileno(STDIN), 1)) {
    my $got = sysread(STDIN, $buf, 1 << 16, length $buf);
    if (!$got) { $eof = 1; } else {
      my @parts = split(/\0/, $buf, -1); $buf = pop @parts; push @fields, @parts;
      while (@fields >= 6 && $fields[0] eq 'R') {
        my $i = 5; my @counts;
        for my $width (2, 2, 1) {   # files (path, text), env (key, value), args
          last if @fields <= $i; my $n = $fields[$i]; push @counts, $n; $i += 1 + $width * $n;
        }
        last if @counts < 3 || @fields < $i;
        my (undef, $t, $cwd, $log, $prelude) = splice(@fields, 0, 5);
        my @files = splice(@fields, 1, 2 * $counts[0]); splice(@fields, 0, 1);
        my @env = splice(@fields, 1, 2 * $counts[1]); splice(@fields, 0, 1);
        my @args = splice(@fields, 1, $counts[2]); splice(@fields, 0, 1);
        push @queue, [$t, $cwd, $log, $prelude, \@files, \@env, \@args];
      }
      while (@fields >= 2 && $fields[0] eq 'C') {
        my (undef, $t) = splice(@fields, 0, 2);
        my $before = @queue; @queue = grep { $_->[0] ne $t } @queue;
        print "E $t 125\n" if @queue < $before;   # ECANCELED: it never started
      }
    }
  }
  # like xargs: a slot that frees starts the next queued command without a round trip to trove
  launch(@{ shift @queue }) while @queue && keys(%token) < $max;
  last if $eof && !%token && !@queue;
}
`;

export interface LaunchRequest {
  command: string[];
  cwd: string;
  /** Added to the launcher's environment (trove's own, as it was when the launcher started). */
  env: Record<string, string>;
  logFile: string;
  /** Appended to the log before the command's own output. */
  prelude?: string;
  /** Written (replaced) just before the command starts: path -> text. */
  files?: Record<string, string>;
}

export interface LaunchedProcess {
  /** Drops the command if it has not started yet (then `ended` gives errno ECANCELED). */
  cancel(): void;
  /** The pid (also the process group id); undefined when no process was made. */
  pid: Promise<number | undefined>;
  /** The exit, or the error code (ENOENT, EACCES, ...) that kept the command from starting. */
  ended: Promise<{ code: number | null; signal: string | null } | { errno: string }>;
}

interface Pending {
  pid: (pid: number | undefined) => void;
  ended: (r: { code: number | null; signal: string | null } | { errno: string }) => void;
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

let perlMissing: boolean | undefined;

export class ProcessLauncher {
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private lineBuffer = "";
  private failure: Error | undefined;

  private constructor(private readonly helper: ChildProcessByStdio<Writable, Readable, null>) {
    helper.stdout.setEncoding("utf8");
    helper.stdout.on("data", (chunk: string) => this.receive(chunk));
    helper.on("exit", (code, signal) => this.fail(new Error(`the process launcher (perl) ended (${signal ?? `code ${code}`})`)));
    helper.on("error", (e) => this.fail(e));
    helper.stdin.on("error", (e) => this.fail(e));
  }

  /**
   * A launcher running at most `maxRunning` commands at once (more may be queued in it), or null
   * when perl cannot run here (then use child_process.spawn).
   */
  static start(maxRunning: number): ProcessLauncher | null {
    perlMissing ??= spawnSync("perl", ["-e", "use POSIX; use Fcntl; exit 0"], { stdio: "ignore" }).status !== 0;
    if (perlMissing) return null;
    const helper = spawn("perl", ["-e", SCRIPT, String(maxRunning)], { stdio: ["pipe", "pipe", "inherit"] });
    return new ProcessLauncher(helper);
  }

  launch(request: LaunchRequest): LaunchedProcess {
    let pid!: Pending["pid"];
    let ended!: Pending["ended"];
    let token = 0;
    const result: LaunchedProcess = {
      pid: new Promise((r) => (pid = r)),
      ended: new Promise((r) => (ended = r)),
      cancel: () => {
        if (this.pending.has(token) && !this.failure) this.helper.stdin.write(`C\0${token}\0`);
      },
    };
    const env = Object.entries(request.env).flat();
    const files = Object.entries(request.files ?? {}).flat();
    const fields = ["R", "", request.cwd, request.logFile, request.prelude ?? "", String(files.length / 2), ...files, String(env.length / 2), ...env, String(request.command.length), ...request.command];
    if (this.failure || fields.some((f) => f.includes("\0"))) {
      pid(undefined);
      ended({ errno: this.failure ? "ELAUNCHER" : "EINVAL" });
      return result;
    }
    token = this.next++;
    fields[1] = String(token);
    this.pending.set(token, { pid, ended });
    this.helper.stdin.write(fields.join("\0") + "\0");
    return result;
  }

  /** Lets the helper exit once the processes it started have ended. */
  close(): void {
    this.helper.stdin.end();
  }

  private receive(chunk: string): void {
    this.lineBuffer += chunk;
    let newline: number;
    while ((newline = this.lineBuffer.indexOf("\n")) >= 0) {
      const [kind, token, value] = this.lineBuffer.slice(0, newline).split(" ");
      this.lineBuffer = this.lineBuffer.slice(newline + 1);
      const pending = this.pending.get(Number(token));
      if (!pending) continue;
      const n = Number(value);
      if (kind === "P") pending.pid(n);
      else if (kind === "E" || kind === "X") {
        this.pending.delete(Number(token));
        pending.pid(undefined); // no-op once the pid is known
        if (kind === "E") pending.ended({ errno: ERRNO_NAMES.get(n) ?? `errno ${n}` });
        else if (n & 127) pending.ended({ code: null, signal: SIGNAL_NAMES.get(n & 127) ?? `signal ${n & 127}` });
        else pending.ended({ code: n >> 8, signal: null });
      }
    }
  }

  /** The helper died: whatever it was tracking can no longer be waited for. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pending.values()) {
      p.pid(undefined);
      p.ended({ errno: "ELAUNCHER" });
    }
    this.pending.clear();
  }
}
