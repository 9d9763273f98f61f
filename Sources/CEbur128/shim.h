// libebur128 (ITU-R BS.1770 loudness, EBU R128), found with pkg-config. Nothing of its own:
// the one header, so Swift sees its functions and constants.
#include <ebur128.h>
