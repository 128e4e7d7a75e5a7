/*
 * Pipes and FIFOs (named pipes): a ring of pages (16 by default, 64 KiB,
 * as Linux) shared by a read end and a write end, with POSIX semantics:
 * writes of at most PIPE_BUF bytes are atomic, reads return what is there,
 * end of file once no writer is left, EPIPE and SIGPIPE once no reader is.
 * Anonymous pipes (pipe, pipe2) live on inodes of the anonymous file
 * system; a FIFO's pipe hangs on its inode (inode->pipe) while it is open.
 */
#ifndef FERRITE_PIPE_H
#define FERRITE_PIPE_H

#include <ferrite/vfs.h>

#define PIPE_DEF_BUFFERS	16		/* pages in a new pipe */
#define PIPE_MAX_SIZE		(1u << 20)	/* F_SETPIPE_SZ limit without privilege (pipe-max-size) */

/* Register the FIFO file_ops with the VFS (vfs_register_fifo_ops). Once, at boot. */
void pipe_init(void);

/*
 * Open a FIFO inode: ->open of pipe_fifo_fops. Blocks (interruptibly) until
 * the other end is opened unless O_NONBLOCK or O_RDWR; a non-blocking
 * writer with no reader gets -ENXIO. 0 or -errno.
 */
int pipe_fifo_open(struct inode *inode, struct file *f);
extern const struct file_ops pipe_fifo_fops;

/* True if @f is an end of a pipe or a FIFO. */
bool pipe_file_is_pipe(struct file *f);

/*
 * fcntl F_GETPIPE_SZ and F_SETPIPE_SZ on @f (->fcntl of the pipe file_ops;
 * pipes have no ->llseek, so lseek and pread give -ESPIPE): the capacity in bytes, or
 * -EBADF (not a pipe), -EINVAL, -EPERM (over PIPE_MAX_SIZE without root),
 * -EBUSY (the data would not fit), -ENOMEM.
 */
long pipe_fcntl(struct file *f, unsigned int cmd, uint64_t arg);

#endif
