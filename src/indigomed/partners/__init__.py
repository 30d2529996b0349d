"""Partners: the portal where a facility's HCF admin runs its practice on IndigoMed."""
