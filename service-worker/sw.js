// placeholder __VERSION__ __PRECACHE__
