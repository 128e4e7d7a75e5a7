/*
 * nop - the tiny static program that bench's fork+execve+wait figure runs:
 * it only exits 0 (through the libc start-up, as any program would).
 */
int main(void)
{
	return 0;
}
