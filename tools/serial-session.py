#!/usr/bin/env python3
"""Interactive session over the serial console, as a user of `make run`.

Boots the default initramfs (tools/mkinitramfs.sh default: /init starts
`setsid -c sh -l` on the console) in QEMU (TCG, -M q35 -cpu max -m 512M
-smp 2) with COM1 on a Unix socket, waits for the shell prompt, then types:
`echo hello` (echo and output checked), a line edited with backspace (DEL),
`sleep 100` then ^C (prompt back within seconds, $? = 130), `sleep 100`
then ^Z (`jobs` shows it Stopped), `fg` then ^C, and `exit`, after which
/init powers off and QEMU must exit. Every wait has a timeout.

    tools/serial-session.py [--linux | --kernel FILE] [--initrd FILE] [-v]

--linux boots Debian's kernel from build/linux (see tools/bench.sh), to
check that the session itself tests Linux behaviour. Prints TAP lines
("ok N - serial: ...") and a summary; exit status 1 if anything failed.
Python 3 standard library only.
"""
import argparse
import glob
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = re.compile(rb"@ferrite:[^\r\n]*# $")
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Session:
    def __init__(self, sock, verbose):
        self.sock = sock
        self.buf = b""
        self.mark = 0
        self.verbose = verbose

    def send(self, data):
        if self.verbose:
            sys.stderr.write("<<< %r\n" % data)
        self.sock.sendall(data)

    def pump(self, deadline):
        """Read what is available until deadline; False on EOF."""
        self.sock.settimeout(max(0.05, min(0.5, deadline - time.time())))
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return True
        if not data:
            return False
        if self.verbose:
            sys.stderr.write(">>> %r\n" % data)
        # a terminal may ask for the cursor position: answer like xterm
        if b"\x1b[6n" in data:
            self.sock.sendall(b"\x1b[24;1R")
        self.buf += data
        return True

    def text(self):
        """Output since the mark, escape sequences and CRs removed."""
        return ANSI.sub(b"", self.buf[self.mark:]).replace(b"\r", b"")

    def expect(self, pattern, timeout):
        """Wait for pattern (bytes regex) in the text since the mark."""
        deadline = time.time() + timeout
        rx = re.compile(pattern) if isinstance(pattern, bytes) else pattern
        while True:
            m = rx.search(self.text())
            if m:
                return m
            if time.time() >= deadline or not self.pump(deadline):
                return None

    def prompt(self, timeout):
        deadline = time.time() + timeout
        while True:
            if PROMPT.search(self.text()):
                return True
            if time.time() >= deadline or not self.pump(deadline):
                return False

    def settle(self, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline and self.pump(deadline):
            pass

    def new_mark(self):
        self.mark = len(self.buf)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, cond, desc, why=""):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d - serial: %s" % ("" if cond else "not ", self.n, desc))
        if not cond and why:
            for line in why.splitlines()[-12:]:
                print("#   " + line)
        sys.stdout.flush()
        return cond


def lines(data):
    return data.decode("utf-8", "replace")


def run_session(s, tap, boot_timeout, step):
    """The scripted user; returns False when it cannot go on."""
    if not tap.check(s.prompt(boot_timeout), "shell prompt after boot", lines(s.text())):
        return False

    s.new_mark()
    s.send(b"echo hello\r")
    m = s.expect(rb"echo hello\n(.*)\n", step)
    tap.check(m is not None, "typed command is echoed", lines(s.text()))
    tap.check(m is not None and m.group(1) == b"hello", "echo hello prints hello", lines(s.text()))
    tap.check(s.prompt(step), "prompt after the command", lines(s.text()))

    s.new_mark()
    s.send(b"echo typx")
    s.settle(0.5)
    s.send(b"\x7f\x7f")
    s.settle(0.5)
    s.send(b"po\r")
    m = s.expect(rb"\n(typ[a-z]*)\n", step)
    tap.check(m is not None and m.group(1) == b"typo", "backspace (DEL) edits the line: typo",
              lines(s.text()))
    s.prompt(step)

    s.new_mark()
    s.send(b"sleep 100\r")
    s.settle(3)
    t0 = time.time()
    s.new_mark()
    s.send(b"\x03")
    ok = s.prompt(step)
    tap.check(ok, "^C interrupts sleep 100 (prompt back in %.1f s)" % (time.time() - t0), lines(s.text()))
    s.new_mark()
    s.send(b"echo status=$?\r")
    m = s.expect(rb"\nstatus=([0-9]+)\n", step)
    tap.check(m is not None and m.group(1) == b"130", "the interrupted job's status is 130 (SIGINT)",
              lines(s.text()))
    s.prompt(step)

    s.new_mark()
    s.send(b"sleep 100\r")
    s.settle(3)
    s.new_mark()
    s.send(b"\x1a")
    ok = s.prompt(step)
    tap.check(ok, "^Z stops sleep 100 and gives the prompt back", lines(s.text()))
    s.new_mark()
    s.send(b"jobs\r")
    m = s.expect(rb"\[1\]\+? +Stopped +sleep 100", step)
    tap.check(m is not None, "jobs shows [1] Stopped sleep 100", lines(s.text()))
    s.prompt(step)
    s.new_mark()
    s.send(b"fg\r")
    m = s.expect(rb"fg\n.*sleep 100", step)
    tap.check(m is not None, "fg resumes the job", lines(s.text()))
    s.settle(3)
    s.new_mark()
    s.send(b"\x03")
    tap.check(s.prompt(step), "^C ends the resumed job", lines(s.text()))
    s.new_mark()
    s.send(b"jobs; echo jobs-done\r")
    m = s.expect(rb"\n(.*)jobs-done\n", step)
    tap.check(m is not None and b"sleep" not in s.text().split(b"jobs-done")[0].split(b"\n", 1)[-1],
              "no jobs left", lines(s.text()))
    s.prompt(step)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build/ferrite"))
    ap.add_argument("--linux", action="store_true", help="boot Debian's kernel from build/linux")
    ap.add_argument("--initrd", default=os.path.join(ROOT, "build/initramfs.cpio.gz"))
    ap.add_argument("--boot-timeout", type=float, default=300)
    ap.add_argument("--step-timeout", type=float, default=30)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    kernel, append = args.kernel, "console=ttyS0 quiet panic=-1"
    if args.linux:
        found = sorted(glob.glob(os.path.join(ROOT, "build/linux/x/boot/vmlinuz-*")))
        if not found:
            print("not ok 1 - serial: no Linux kernel in build/linux (run tools/bench.sh)")
            return 1
        kernel = found[-1]
    if not os.path.exists(args.initrd):
        subprocess.run(["sh", os.path.join(ROOT, "tools/mkinitramfs.sh"), "default", args.initrd], check=False)
    tap = Tap()
    if not tap.check(os.path.exists(kernel) and os.path.exists(args.initrd), "kernel and initramfs exist",
                     "%s %s" % (kernel, args.initrd)):
        print("1..%d" % tap.n)
        return 1

    tmp = tempfile.mkdtemp(prefix="ferrite-serial-")
    path = os.path.join(tmp, "ttyS0.sock")
    log = open(os.path.join(ROOT, "build", "serial-session.qemu.log"), "wb")
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-cpu", "max", "-m", "512M", "-smp", "2",
         "-display", "none", "-monitor", "none", "-no-reboot",
         "-chardev", "socket,id=s0,path=%s,server=on,wait=on" % path, "-serial", "chardev:s0",
         "-kernel", kernel, "-initrd", args.initrd, "-append", append],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        deadline = time.time() + 30
        while True:
            try:
                sock.connect(path)
                break
            except OSError:
                if time.time() > deadline or qemu.poll() is not None:
                    raise
                time.sleep(0.1)
        s = Session(sock, args.verbose)
        if run_session(s, tap, args.boot_timeout, args.step_timeout):
            s.new_mark()
            s.send(b"exit\r")
            deadline = time.time() + 120
            while qemu.poll() is None and time.time() < deadline:
                if not s.pump(deadline):
                    break
            try:
                qemu.wait(timeout=max(1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            tap.check(qemu.poll() is not None, "exit: /init powers off and QEMU exits", lines(s.text()))
        with open(os.path.join(ROOT, "build", "serial-session.log"), "wb") as f:
            f.write(s.buf)
    except OSError as e:
        tap.check(False, "connect to the serial socket", str(e))
    finally:
        sock.close()
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        log.close()
        try:
            os.unlink(path)
            os.rmdir(tmp)
        except OSError:
            pass
    print("1..%d" % tap.n)
    print("# serial-session: %d passed, %d failed" % (tap.n - tap.failed, tap.failed))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
