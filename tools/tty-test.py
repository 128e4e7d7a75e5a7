#!/usr/bin/env python3
"""Interactive serial-console test: busybox sh as a user at a terminal.

Boots build/ferrite in QEMU (TCG, under a timeout) with a small initramfs
(busybox-static and an /init that starts "setsid cttyhack sh" on the
console), then drives COM1 through a Unix socket as a person at a terminal
would: types commands, edits lines with DEL/^H/^U/^W, interrupts with ^C,
stops with ^Z, quits with ^\\, and checks what comes back.

    tools/tty-test.py [--kernel build/ferrite] [--busybox /bin/busybox]
                      [--machine q35|pc] [--smp N] [-v]

Prints TAP ("ok N - name" / "not ok N - name") and exits non-zero if any
check failed. The same script's checks pass against busybox on Linux over a
serial line: they test Linux behaviour, not ours.
"""
import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

PROMPT = "ttytest$ "
INIT = """#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
export PS1='%s'
mount -t proc proc /proc 2>/dev/null
while true; do
    setsid cttyhack sh
    echo "init: shell exited ($?)"
done
""" % PROMPT


def cpio_newc(entries):
    """entries: list of (name, mode, data bytes). Returns a newc archive."""
    out = bytearray()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * ((4 - len(out) % 4) % 4)
        out += data
        out += b"\0" * ((4 - len(out) % 4) % 4)
        ino += 1
    return bytes(out)


def build_initramfs(busybox, path):
    with open(busybox, "rb") as f:
        bb = f.read()
    entries = [
        ("bin", 0o40755, b""), ("sbin", 0o40755, b""), ("dev", 0o40755, b""),
        ("proc", 0o40755, b""), ("tmp", 0o41777, b""), ("root", 0o40700, b""),
        ("bin/busybox", 0o100755, bb), ("bin/sh", 0o120777, b"busybox"),
        ("init", 0o100755, INIT.encode()),
    ]
    with open(path, "wb") as f:
        f.write(cpio_newc(entries))


class Term:
    """The far end of COM1: send keys, collect what the kernel sends back."""

    def __init__(self, sock, verbose):
        self.sock = sock
        self.buf = ""
        self.verbose = verbose
        self.sock.settimeout(0.2)

    def pump(self, secs):
        end = time.time() + secs
        while time.time() < end:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not data:
                raise EOFError("QEMU closed the serial line")
            text = data.decode("latin-1")
            if self.verbose:
                sys.stderr.write(text)
            self.buf += text

    def expect(self, pattern, secs=30):
        """Wait for @pattern (regex) in what arrived; return the text up to its end."""
        end = time.time() + secs
        while True:
            m = re.search(pattern, self.buf)
            if m:
                got = self.buf[:m.end()]
                self.buf = self.buf[m.end():]
                return got
            if time.time() > end:
                return None
            self.pump(0.2)

    def send(self, keys, slow=True):
        """Type @keys one by one (slow), or paste them in one go."""
        if not slow:
            self.sock.settimeout(30)
            self.sock.sendall(keys.encode("latin-1"))
            self.sock.settimeout(0.2)
            return
        for ch in keys:
            self.sock.sendall(ch.encode("latin-1"))
            time.sleep(0.02)

    def settle(self, secs=0.5):
        self.pump(secs)
        got, self.buf = self.buf, ""
        return got


class Checks:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
        if not ok:
            self.failed += 1
            if detail:
                for line in repr(detail).split("\\n"):
                    print("# " + line)
        sys.stdout.flush()


def run_checks(t, c):
    got = t.expect(re.escape(PROMPT), 120)
    c.check("shell prompt on the console", got is not None, t.buf[-400:])
    if got is None:
        return
    t.settle(1)

    t.send("echo hello-$((6*7))\r")
    got = t.expect(re.escape(PROMPT))
    c.check("command runs, output ends lines with CRLF",
            got is not None and "hello-42\r\n" in got, got)

    t.send("tty\r")
    got = t.expect(re.escape(PROMPT))
    c.check("tty names /dev/ttyS0 (cttyhack made it the controlling tty)",
            got is not None and "/dev/ttyS0\r\n" in got, got)

    t.send("stty -a\r")
    got = t.expect(re.escape(PROMPT))
    ok = got is not None and "speed 115200 baud" in got and "line = 0" in got
    ok = ok and "intr = ^C" in got and "erase = ^?" in got and " icanon " in got
    c.check("stty -a: Linux's serial console settings", ok, got)

    # Linux reports 0x0 for a serial line; TIOCSWINSZ sets it.
    t.send("stty rows 30 cols 100; stty size\r")
    got = t.expect(re.escape(PROMPT))
    c.check("window size set and read back", got is not None and "\r\n30 100\r\n" in got, got)

    t.send("echo abX\x7fc\r")
    got = t.expect(re.escape(PROMPT))
    c.check("line editing: DEL erases", got is not None and "\r\nabc\r\n" in got, got)

    t.send("echo xyZ\x08z\r")
    got = t.expect(re.escape(PROMPT))
    c.check("line editing: ^H erases", got is not None and "\r\nxyz\r\n" in got, got)

    t.send("echo junk\x15echo kept\r")
    got = t.expect(r"\r\nkept\r\n")
    c.check("line editing: ^U kills the line", got is not None, t.buf[-200:])
    t.expect(re.escape(PROMPT))

    # Canonical mode (the kernel's line editing) through cat.
    t.send("cat\r")
    t.settle(1)
    t.send("one twX\x7fo\x17three\r")
    got = t.expect(r"\r\none three\r\n", 10)
    c.check("canonical mode: ERASE and WERASE in the kernel, echo with CRLF",
            got is not None and "twX\b \bo" in got, got)
    t.send("\x04")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("^D at line start ends cat (EOF)", got is not None, t.buf[-200:])

    t.send("sleep 30\r")
    t.settle(1.5)
    t0 = time.time()
    t.send("\x03", slow=False)
    got = t.expect(re.escape(PROMPT), 10)
    c.check("^C interrupts the foreground job (echoed ^C)",
            got is not None and "^C" in got and time.time() - t0 < 10, got)

    t.send("sleep 30\r")
    t.settle(1.5)
    t.send("\x1c", slow=False)
    got = t.expect(re.escape(PROMPT), 10)
    c.check("^\\ quits the foreground job", got is not None and "Quit" in got, got)

    t.send("sleep 30\r")
    t.settle(1.5)
    t.send("\x1a", slow=False)
    got = t.expect(re.escape(PROMPT), 10)
    c.check("^Z stops the foreground job", got is not None and "Stopped" in got, got)
    t.send("fg\r")
    t.settle(1.5)
    t.send("\x03", slow=False)
    got = t.expect(re.escape(PROMPT), 10)
    t.send("jobs\r")
    got2 = t.expect(re.escape(PROMPT), 10)
    c.check("fg resumes the stopped job in the foreground; ^C ends it",
            got is not None and got2 is not None and "sleep" not in got2.split("\n", 1)[-1],
            (got, got2))

    t.send("sh -c 'read x; echo got $x' &\r")
    t.expect(re.escape(PROMPT), 10)
    t.send("sleep 1; jobs\r")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("a background read gets SIGTTIN (job stopped)",
            got is not None and "Stopped (tty input)" in got, got)
    t.send("fg\r")
    t.settle(1)
    t.send("bg-input\r")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("fg gives the job the terminal", got is not None and "got bg-input" in got, got)

    t.send("stty tostop; (sleep 1; echo bg-out) &\r")
    t.expect(re.escape(PROMPT), 10)
    t.send("sleep 2; jobs\r")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("TOSTOP: a background write gets SIGTTOU",
            got is not None and "Stopped (tty output)" in got and "bg-out\r\n" not in got, got)
    t.send("stty -tostop; fg\r")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("... and writes once in the foreground", got is not None and "bg-out\r\n" in got, got)

    t.send("read -t 1 x; echo rc=$?\r")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("read -t times out (poll on the tty)", got is not None and "rc=1\r\n" in got, got)

    t.send("read -n 3 x; echo \"[$x]\"\r")
    t.settle(1)
    t.send("xyz")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("read -n 3: non-canonical read of 3 bytes without Enter",
            got is not None and "[xyz]" in got, got)

    t.send("\x03")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("^C at the prompt gives a fresh prompt", got is not None and "^C" in got, got)

    # IXON: ^S holds the shell's output until ^Q.
    t.send("\x13")
    t.send("echo flow-$((1+1))\r")
    held = t.settle(1.5)
    t.send("\x11")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("^S stops output, ^Q restarts it",
            "flow-2" not in held and got is not None and "flow-2\r\n" in got, (held, got))

    # A full-screen program in raw mode: busybox vi edits and saves a file.
    t.send("vi /tmp/v.txt\r")
    t.settle(2)
    t.send("ihello from vi\x1b")
    t.settle(1)
    t.send(":wq\r")
    t.expect(re.escape(PROMPT), 20)
    t.send("cat /tmp/v.txt\r")
    got = t.expect(re.escape(PROMPT), 10)
    c.check("vi in raw mode writes what was typed",
            got is not None and "\r\nhello from vi\r\n" in got, got)

    # A pasted long line, sent at once: nothing lost between the UART and the reader.
    t.send("wc -c\r")
    t.settle(1)
    t.send("0123456789" * 300 + "\r", slow=False)
    t.expect(r"9\r\n", 30)
    t.send("\x04")
    got = t.expect(re.escape(PROMPT), 30)
    c.check("a 3000-byte pasted line arrives whole", got is not None and "3001" in got, got)

    # The session leader exits; init starts a new session that gets the tty.
    t.send("exit\r")
    got = t.expect(re.escape(PROMPT), 30)
    c.check("after the shell exits, a new shell gets a prompt",
            got is not None and "can't access tty" not in got, got)
    t.send("sleep 30\r")
    t.settle(1.5)
    t.send("\x03", slow=False)
    got = t.expect(re.escape(PROMPT), 10)
    c.check("... with job control (^C reaches its job)", got is not None and "^C" in got, got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="build/ferrite")
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--smp", default="2")
    ap.add_argument("--machine", default="q35", help="QEMU -M (q35 or pc)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="ferrite-tty-")
    initrd = os.path.join(tmp, "initrd.cpio")
    sockpath = os.path.join(tmp, "ttyS0.sock")
    build_initramfs(args.busybox, initrd)
    qemu = subprocess.Popen(
        ["timeout", "-k", "5", str(args.timeout), "qemu-system-x86_64", "-accel", "tcg",
         "-M", args.machine, "-cpu", "max", "-m", "256", "-smp", args.smp, "-no-reboot", "-display", "none", "-monitor", "none",
         "-kernel", args.kernel, "-initrd", initrd, "-append", "console=ttyS0 rdinit=/init",
         "-chardev", "socket,id=s0,path=%s,server=on,wait=on" % sockpath,
         "-serial", "chardev:s0"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "qemu.err"), "w"))
    sock = None
    for _ in range(100):
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(sockpath)
            break
        except OSError:
            sock = None
            time.sleep(0.1)
    c = Checks()
    try:
        if sock is None:
            c.check("connect to QEMU's serial socket", False)
        else:
            run_checks(Term(sock, args.verbose), c)
    except EOFError as e:
        c.check("serial line stays up", False, str(e))
    finally:
        qemu.terminate()
        qemu.wait()
    print("# %d passed, %d failed" % (c.n - c.failed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
