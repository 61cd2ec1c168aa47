"""``newsmon soak``: a chaos soak that proves, from the output topics alone, that nothing was lost."""
