package lead

import (
	"sync"
	"time"
)

// BusinessZone is where the business's days and months begin and end:
// São Paulo time. Indicators count days in it and commission periods are
// its calendar months. It is loaded on first use, not at every cold start
// (functions embed time/tzdata).
var BusinessZone = sync.OnceValue(func() *time.Location {
	z, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		panic(err)
	}
	return z
})
