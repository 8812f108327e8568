// Everything is `static inline` in include/CInline.h; a C target needs one source file.
#include "CInline.h"
