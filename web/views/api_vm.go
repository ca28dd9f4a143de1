package views

// APIPage is /api: the JSON API explained for people.
type APIPage struct {
	Base
	// Origin is the site's address, for the curl examples.
	Origin string
	// OpenAPI is the path of the OpenAPI document.
	OpenAPI string
	// Endpoints are every operation of /api/v1, from the OpenAPI document.
	Endpoints []APIEndpoint
}

// APIEndpoint is one operation of the JSON API.
type APIEndpoint struct {
	Method, Path, Summary string
}
