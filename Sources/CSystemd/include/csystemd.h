#ifndef CSYSTEMD_H
#define CSYSTEMD_H

/// Sockets passed by the service manager: returns the count (0 when none), fills *names with a
/// NULL-terminated array of names (free with csystemd_free_names) and unsets LISTEN_* in the environment.
int csystemd_listen_fds(char ***names);
void csystemd_free_names(char **names);

/// Sends state to the service manager's NOTIFY_SOCKET (taken out of the environment on first call, so children do
/// not inherit it); returns > 0 when sent, 0 when there is no notify socket, < 0 on error.
int csystemd_notify(const char *state);

#endif
