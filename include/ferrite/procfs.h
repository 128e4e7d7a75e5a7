/*
 * procfs: the /proc file system. Every file's text is produced by a
 * formatter (procfs_fmt.h) from a snapshot that a collector here fills from
 * the live kernel under the right locks; the VFS glue serves the text,
 * generated again whenever a reader starts from offset 0. Formats are
 * Linux's, as proc(5) documents them.
 */
#ifndef FERRITE_PROCFS_H
#define FERRITE_PROCFS_H

#include <ferrite/procfs_fmt.h>
#include <ferrite/sched.h>

struct group_info;

#define PROC_SUPER_MAGIC	0x9fa0

BUILD_BUG_ON(PROC_COMM_LEN != TASK_COMM_LEN);
BUILD_BUG_ON(PROC_CPUMASK_WORDS != CPUMASK_WORDS);

/* Collectors and the file system (kernel only). */

/*
 * Snapshot @p into @pi (zeroed by the caller). @groups, when set, receives
 * a referenced group list that pi->groups points into (groups_put after
 * formatting). @p must be referenced.
 */
void proc_pid_collect(struct process *p, struct proc_pid_info *pi, struct group_info **groups);
/* The per-process files' text: 0 or -errno (-ENOMEM, -ESRCH). */
int proc_pid_stat_show(struct seqbuf *sb, struct process *p);
int proc_pid_status_show(struct seqbuf *sb, struct process *p);
int proc_pid_statm_show(struct seqbuf *sb, struct process *p);
int proc_pid_cmdline_show(struct seqbuf *sb, struct process *p);
int proc_pid_environ_show(struct seqbuf *sb, struct process *p);
int proc_pid_comm_show(struct seqbuf *sb, struct process *p);
int proc_pid_maps_show(struct seqbuf *sb, struct process *p);
/* Set @p's command name (the caller's own process only, else -EINVAL), cut to 15 bytes. */
int proc_pid_comm_set(struct process *p, const char *name, size_t len);
/* @p's descriptor table, referenced (files_put), or NULL. Takes p->sig_lock. */
struct files *proc_files_get(struct process *p);
/* The program @p runs (its lowest executable file mapping), referenced, or NULL. */
struct file *proc_pid_exe_get(struct process *p);

/* The system-wide files' text: 0 or -errno. */
int proc_meminfo_show(struct seqbuf *sb);
int proc_uptime_show(struct seqbuf *sb);
int proc_loadavg_show(struct seqbuf *sb);
int proc_stat_show(struct seqbuf *sb);
int proc_cpuinfo_show(struct seqbuf *sb);
int proc_version_show(struct seqbuf *sb);
int proc_cmdline_show(struct seqbuf *sb);
int proc_filesystems_show(struct seqbuf *sb);
int proc_mounts_show(struct seqbuf *sb);
int proc_mountinfo_show(struct seqbuf *sb);
int proc_hostname_show(struct seqbuf *sb);
int proc_domainname_show(struct seqbuf *sb);
int proc_ostype_show(struct seqbuf *sb);
int proc_osrelease_show(struct seqbuf *sb);
int proc_kversion_show(struct seqbuf *sb);

/* Register the "proc" file-system type. */
void proc_init(void);

#endif
