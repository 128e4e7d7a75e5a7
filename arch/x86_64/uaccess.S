/*
 * Primitive user-memory copies. Every instruction that touches user memory
 * lies between uaccess_start and uaccess_end: the page-fault handler first
 * tries to fill the page, and if it cannot, resumes at uaccess_fixup,
 * which makes the function return -EFAULT. The functions are leaves that
 * push nothing, so the fix-up can simply return. With SMAP on, user pages
 * are reachable only between stac and clac (Intel SDM vol. 3 §4.6).
 * Range checks against the user half are the C callers' job.
 */
#define EFAULT 14
	.macro user_open
	cmpb $0, uaccess_smap(%rip)
	je 91f
	stac
91:
	.endm
	.macro user_close
	cmpb $0, uaccess_smap(%rip)
	je 92f
	clac
92:
	.endm

	.text
	.globl uaccess_start, uaccess_end, uaccess_fixup
uaccess_start:

/* long arch_copy_user(void *dst, const void *src, size_t len): 0 or -EFAULT */
	.globl arch_copy_user
arch_copy_user:
	user_open
	movq %rdx, %rcx
	shrq $3, %rcx
	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
	rep movsb
	user_close
	xorl %eax, %eax
	ret

/* long arch_clear_user(void *dst, size_t len): 0 or -EFAULT */
	.globl arch_clear_user
arch_clear_user:
	user_open
	xorl %eax, %eax
	movq %rsi, %rcx
	rep stosb
	user_close
	ret

/*
 * long arch_strncpy_user(char *dst, const char *src, size_t max): copies up
 * to @max bytes, stopping after a NUL; returns the length without the NUL,
 * @max if no NUL came, or -EFAULT.
 */
	.globl arch_strncpy_user
arch_strncpy_user:
	user_open
	xorl %eax, %eax
1:	cmpq %rdx, %rax
	je 2f
	movb (%rsi,%rax), %cl
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	je 2f
	incq %rax
	jmp 1b
2:	user_close
	ret

uaccess_end:

uaccess_fixup:
	user_close
	movq $-EFAULT, %rax
	ret

	.data
	.globl uaccess_smap
uaccess_smap:
	.byte 0
