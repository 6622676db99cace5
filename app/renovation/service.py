MUTATIONS: tuple = ()
