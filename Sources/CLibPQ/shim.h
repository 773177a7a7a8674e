// libpq, wrapped once in Sources/PQ. Include only.
#include <libpq-fe.h>
