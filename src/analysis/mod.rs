//! Sensitivity analysis: unit-hypercube sampling designs and the Sobol and
//! Morris estimators, independent of the simulation.
