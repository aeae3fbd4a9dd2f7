#ifndef RL_ROUTELET_H
#define RL_ROUTELET_H

int	rl_replay_main(int argc, char **argv);
int	rl_run_main(int argc, char **argv);
int	rl_xen_main(int argc, char **argv);

#endif
