// epoll and eventfd (Linux), for the libpq reactor in Sources/PQ. Include only.
#include <sys/epoll.h>
#include <sys/eventfd.h>
