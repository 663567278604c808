/* t_min.c: the smallest useful program on the libc (its linked size is reported): format a line and
 * print it. */
#include <stdio.h>

int main(int argc, char **argv)
{
    char line[64];
    snprintf(line, sizeof line, "hello from %s with %d arguments", argv[0], argc);
    puts(line);
    return 0;
}
