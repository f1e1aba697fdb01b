/*
 * LD_PRELOAD shim for the local cloud's third-party emulators (DynamoDB Local, kinesis-local), which have
 * no option to choose their interface:
 *  - bind() to the wildcard address becomes bind() to loopback, so they listen on 127.0.0.1 only;
 *  - the process asks the kernel to kill it when its parent dies, so a hard-killed `npm start` leaves no
 *    orphan Java or Node process behind.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int (*real_bind)(int, const struct sockaddr *, socklen_t);

__attribute__((constructor)) static void openline_init(void) {
  real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may have died before prctl: then nobody would ever signal us. */
  const char *parent = getenv("OPENLINE_PARENT_PID");
  if (parent != NULL && getppid() != (pid_t)atol(parent)) _exit(1);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (real_bind == NULL) real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
  if (addr != NULL && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    struct sockaddr_in a;
    memcpy(&a, addr, sizeof a);
    if (a.sin_addr.s_addr == htonl(INADDR_ANY)) {
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      return real_bind(fd, (const struct sockaddr *)&a, sizeof a);
    }
  } else if (addr != NULL && addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 a;
    memcpy(&a, addr, sizeof a);
    if (IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr)) {
      /* ::ffff:127.0.0.1 keeps a dual-stack socket reachable on 127.0.0.1 and nowhere else. */
      static const unsigned char mapped_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
      memcpy(&a.sin6_addr, mapped_loopback, sizeof mapped_loopback);
      return real_bind(fd, (const struct sockaddr *)&a, sizeof a);
    }
  }
  return real_bind(fd, addr, len);
}
