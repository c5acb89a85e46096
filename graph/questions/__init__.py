"""The competency questions as named metapaths over the networkx view, ranked and explained."""
