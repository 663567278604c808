/* runtime.h: everything a unikernel's code usually needs, in one include. */
#ifndef MIRAGE_RUNTIME_H
#define MIRAGE_RUNTIME_H

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/clock.h>
#include <mirage/log.h>
#include <mirage/random.h>
#include <mirage/unikernel.h>

#endif
