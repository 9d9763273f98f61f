#ifndef CFUZZER_DRIVER_H
#define CFUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for a program with a main of its own (SwiftPM renames an executable's
/// main, so libFuzzer's cannot be used): parses libFuzzer's flags from argv and runs `callback`
/// on each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
