/*
 * t_memdev - the memory character devices and the kernel's random
 * numbers: /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom
 * (device numbers 1:3, 1:5, 1:7, 1:8, 1:9, reads, writes, lseek, the
 * RNDGETENTCNT ioctl) and getrandom(2) (flags, EINVAL, EFAULT, large and
 * empty requests, output that differs call to call).
 */
#include "t.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK	0x0001
#define GRND_RANDOM	0x0002
#endif
#ifndef GRND_INSECURE
#define GRND_INSECURE	0x0004
#endif
#define T_RNDGETENTCNT	_IOR('R', 0x00, int)

static void check_node(const char *path, unsigned int minor)
{
	struct stat st;

	if (!T_OK(stat(path, &st) == 0, "stat %s", path))
		return;
	T_OK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == minor,
	     "%s is character device 1:%u", path, minor);
	T_OK((st.st_mode & 0666) == 0666, "%s is readable and writable by all", path);
}

static void test_null_zero_full(void)
{
	char buf[300];
	int fd;

	check_node("/dev/null", 3);
	check_node("/dev/zero", 5);
	check_node("/dev/full", 7);
	fd = T_SYS(open("/dev/null", O_RDWR), "open /dev/null");
	T_EQ(read(fd, buf, sizeof(buf)), 0, "/dev/null reads end of file");
	T_EQ(write(fd, buf, sizeof(buf)), 300, "/dev/null swallows writes");
	T_EQ(lseek(fd, 100, SEEK_SET), 0, "lseek on /dev/null stays at 0");
	close(fd);
	fd = T_SYS(open("/dev/zero", O_RDWR), "open /dev/zero");
	memset(buf, 'x', sizeof(buf));
	T_EQ(read(fd, buf, sizeof(buf)), 300, "/dev/zero fills the read");
	T_OK(buf[0] == 0 && buf[150] == 0 && buf[299] == 0, "with zeros");
	T_EQ(write(fd, buf, 10), 10, "/dev/zero swallows writes");
	T_ERRNO(t_sys(SYS_read, fd, (void *)8, 10), EFAULT, "/dev/zero into a bad buffer");
	close(fd);
	fd = T_SYS(open("/dev/full", O_RDWR), "open /dev/full");
	T_ERRNO(write(fd, "x", 1), ENOSPC, "/dev/full refuses writes with ENOSPC");
	memset(buf, 'x', sizeof(buf));
	T_EQ(read(fd, buf, 64), 64, "/dev/full reads");
	T_OK(buf[0] == 0 && buf[63] == 0, "zeros");
	close(fd);
}

static void test_urandom(void)
{
	unsigned char a[64], b[64];
	int fd, n = -1, zeros = 0;
	static unsigned char big[1 << 20];

	check_node("/dev/random", 8);
	check_node("/dev/urandom", 9);
	fd = T_SYS(open("/dev/urandom", O_RDWR), "open /dev/urandom");
	T_EQ(read(fd, a, sizeof(a)), 64, "read 64 random bytes");
	T_EQ(read(fd, b, sizeof(b)), 64, "and 64 more");
	T_OK(memcmp(a, b, sizeof(a)) != 0, "two reads differ");
	T_EQ(write(fd, "entropy?", 8), 8, "writes to /dev/urandom are taken");
	T_EQ(read(fd, big, sizeof(big)), (long)sizeof(big), "a 1 MiB read is served whole");
	for (size_t i = 0; i < sizeof(big); i++)
		zeros += big[i] == 0;
	T_OK(zeros > 3000 && zeros < 5200, "about 1/256 of the bytes are zero (%d)", zeros);
	T_OK(ioctl(fd, T_RNDGETENTCNT, &n) == 0 && n >= 0, "RNDGETENTCNT");
	close(fd);
	fd = T_SYS(open("/dev/random", O_RDONLY | O_NONBLOCK), "open /dev/random");
	T_EQ(read(fd, a, 32), 32, "/dev/random does not block once seeded");
	close(fd);
}

static void test_getrandom(void)
{
	unsigned char a[32], b[32];
	static unsigned char big[300000];

	T_EQ(t_sys(SYS_getrandom, a, sizeof(a), 0), 32, "getrandom 32 bytes");
	T_EQ(t_sys(SYS_getrandom, b, sizeof(b), GRND_NONBLOCK), 32, "GRND_NONBLOCK");
	T_OK(memcmp(a, b, sizeof(a)) != 0, "two calls differ");
	T_EQ(t_sys(SYS_getrandom, a, 16, GRND_RANDOM), 16, "GRND_RANDOM");
	T_EQ(t_sys(SYS_getrandom, a, 16, GRND_INSECURE), 16, "GRND_INSECURE");
	T_EQ(t_sys(SYS_getrandom, a, 0, 0), 0, "an empty request");
	T_ERRNO(t_sys(SYS_getrandom, a, 16, 0x100), EINVAL, "an unknown flag");
	T_ERRNO(t_sys(SYS_getrandom, a, 16, GRND_RANDOM | GRND_INSECURE), EINVAL,
		"GRND_RANDOM with GRND_INSECURE");
	T_ERRNO(t_sys(SYS_getrandom, (void *)8, 16, 0), EFAULT, "a bad buffer");
	T_ERRNO(t_sys(SYS_getrandom, T_KADDR_TEXT, 16, 0), EFAULT, "a kernel address");
	T_EQ(t_sys(SYS_getrandom, big, sizeof(big), 0), (long)sizeof(big), "a large request");
}

int main(void)
{
	t_init("t_memdev");
	test_null_zero_full();
	test_urandom();
	test_getrandom();
	return t_done();
}
