/* boot.c: the unix entry point: set the platform up, run the generated mg_main, exit with its status. */
#include <mirage/unikernel.h>

#include "platform.h"
#include "unix.h"

int main(int argc, char **argv)
{
    mg_unix_init();
    mg_plat_exit(mg_main(argc, argv));
}
