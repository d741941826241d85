// libssh2 (Debian: libssh2-1-dev) for the SFTP file drop.
#include <libssh2.h>
#include <libssh2_sftp.h>
