// The process launcher's helper in Perl: used where python3 (launcher-python.ts) is missing, since
// perl-base is part of every Debian system. Same protocol (launcher.ts); forks like xargs.
//
//   spawn("perl", ["-e", PERL_HELPER, "4"], { stdio: ["pipe", "pipe", "inherit"] });
//
// Each child gets its own session, stdin from /dev/null, stdout and stderr appended to its log, and
// exec's error number back through a close-on-exec pipe, so "command not found" is reported as
// precisely as Node's spawn does. A fork of perl costs about twice what posix_spawn does from
// python (page tables copied, then copy-on-write faults in both processes; measured), which is
// why it is the second choice.

export const PERL_HELPER = String.raw`
use strict; use warnings; use POSIX (); use Fcntl;
binmode STDIN; $| = 1;
print "ready\n";
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
fcntl($wake_w, F_SETFL, O_NONBLOCK);
$SIG{CHLD} = sub { syswrite($wake_w, "x") };
my $max = $ARGV[0];
my (%token, @fields, @queue, $eof, $paused);   # paused after a failure, until trove says go (G)
my $buf = '';
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $t = delete $token{$pid}; next unless defined $t;
    my $status = $?; kill 'KILL', -$pid;   # what the leader left running in its group dies with it
    print "X $t $status\n";
    $paused = 1 if $status != 0;
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
    if (!$got) { $eof = 1; $paused = 0; } else {
      my @parts = split(/\0/, $buf, -1); $buf = pop @parts; push @fields, @parts;
      while (@fields) {
        if ($fields[0] eq 'G') { shift @fields; $paused = 0; next; }
        if ($fields[0] eq 'C') {
          last if @fields < 2;
          my (undef, $t) = splice(@fields, 0, 2);
          my $before = @queue; @queue = grep { $_->[0] ne $t } @queue;
          print "E $t 125\n" if @queue < $before;   # ECANCELED: it never started
          next;
        }
        last if @fields < 6;
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
    }
  }
  # like xargs: a slot that frees starts the next queued command without a round trip to trove
  launch(@{ shift @queue }) while @queue && !$paused && keys(%token) < $max;
  last if $eof && !%token && !@queue;
}
`;
