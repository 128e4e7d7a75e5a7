/*
 * Host build of the kernel's lib/string.c and lib/vsprintf.c.
 *
 * On the host the C library (and ASan, which intercepts memcpy, strlen ...)
 * owns the names memcpy, strlen, snprintf and friends; linking the kernel's
 * definitions under those names would replace libc's for the whole test
 * program. So this file compiles the kernel sources with each clashing name
 * renamed with a leading 'k' (memcpy -> kmemcpy, vsnprintf -> kvsnprintf).
 * Names libc does not have (strscpy, the kstrto family, scnprintf, vscnprintf) keep
 * their own.
 *
 * Two ways to use it:
 *  - list tests/host/shim_lib.c on a test's host-test-sources line: kernel
 *    code under test gets the real strscpy, kstrtoint, scnprintf ..., and libc's
 *    memcpy/snprintf (same contract) for the rest;
 *  - #include "shim_lib.c" in a test (and list no sources) to call the
 *    kernel implementations themselves as kmemcpy(), ksnprintf() ... next to
 *    libc's originals, which is what test_string.c and test_vsprintf.c do.
 */
#define FERRITE_STRING_NO_BUILTIN_MACROS

#define memcpy		kmemcpy
#define memmove		kmemmove
#define memset		kmemset
#define memcmp		kmemcmp
#define memchr		kmemchr
#define strlen		kstrlen
#define strnlen		kstrnlen
#define strcmp		kstrcmp
#define strncmp		kstrncmp
#define strcasecmp	kstrcasecmp
#define strncasecmp	kstrncasecmp
#define strchr		kstrchr
#define strrchr		kstrrchr
#define strstr		kstrstr
#define strspn		kstrspn
#define strcspn		kstrcspn
#define strpbrk		kstrpbrk
#define strsep		kstrsep
#define vsnprintf	kvsnprintf
#define snprintf	ksnprintf

#include "../../lib/string.c"
#include "../../lib/vsprintf.c"

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcasecmp
#undef strncasecmp
#undef strchr
#undef strrchr
#undef strstr
#undef strspn
#undef strcspn
#undef strpbrk
#undef strsep
#undef vsnprintf
#undef snprintf
#undef FERRITE_STRING_NO_BUILTIN_MACROS
