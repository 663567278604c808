/* main.c: the configure program's entry point (apart, so unit tests link the engine without it). */
#include "engine.h"

int main(int argc, char **argv)
{
    return ed_main(argc, argv);
}
