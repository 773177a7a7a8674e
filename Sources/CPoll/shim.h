// epoll (Linux), for the poller of the libpq reactor and listener in Sources/PQ. Include only.
#include <sys/epoll.h>
