"""What McIlroy and Sventek measured (HPSR 2006, section VI), as the
paper's text states it, for the comparison in docs/results/README.md.
Figures 4 and 5 are plots whose values the text gives only in part;
nothing here is read off a plot."""

REF = ("R. McIlroy and J. Sventek, \"Resource Virtualisation of Network "
       "Routers\", HPSR 2006")

TESTBED = ("a 1 GHz Pentium III with 1 GB of RAM and three 100 Mbit/s "
           "Ethernet cards as the router, desktop PCs injecting traffic, "
           "SUSE Linux 9.2 with Linux 2.6.9, MPLS Linux and an RSVP-TE "
           "daemon; Xen with the BVT scheduler")

SETUPS = {
    "mpls": "a standard MPLS router (MPLS Linux)",
    "qbe": "QuaSAR's best-effort router: the standard router in a Xen "
           "domain (dom0)",
    "routelet": "a QuaSAR routelet: demultiplexed in dom0, forwarded in "
                "its own Xen domain",
}

# Figure 4, section VI-A: 70-byte packets, averaged over 5 runs of at
# least 3000 packets each; error bars the min and max per-run averages.
LAT_US = {"mpls": 194.0, "routelet": 249.0}
QBE_OVER_MPLS = 0.052          # "an overhead of 5.2%"
ROUTELET_OVER_QBE = 0.22       # "22% greater than Q-BE"
LAT_US["qbe"] = round(LAT_US["mpls"] * (1 + QBE_OVER_MPLS), 1)
JITTER_US = {"mpls": 12.4, "qbe": 15.1, "routelet": 16.3}
THROUGHPUT = ("maximum single-flow TCP throughput with iPerf, averaged over "
              "5 runs: \"virtualisation does not significantly affect the "
              "throughput of a single network flow, with the decreases in "
              "throughput well within the bounds of experimental "
              "uncertainty\" (no figure in the text)")

# Figure 5, section VI-B.
CROSS = ("an increasing rate of minimum sized packets, sent over different "
         "network line cards from the measured flow")
FIG5 = ("\"Q-Routelet never outperforms a standard MPLS router, due to "
        "virtualisation overheads. However, it does perform better than a "
        "standard router running on Xen (Q-BE) over most of the range of "
        "each experiment.\"")
