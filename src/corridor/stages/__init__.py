"""The stages of the stage graph, one module each: a stage reads its parameters and the
children's records so far, and adds the times and outcomes of its own transitions."""
