"""Open data: what Pillars publishes, given away in standard forms. A read-only JSON API
(/api/v1/, with an OpenAPI document and a documentation page), the directory as Open
Referral HSDS 3.1 (API and Tabular Data Package), a public CSV, an Atom feed of updates, and
the /data/ page that explains them. Only published listings, only public fields."""
