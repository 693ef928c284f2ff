-- One database per service (DESIGN invariant 6); the same list as scripts/db-create.sh.
CREATE DATABASE hc_circles ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hc_ideas ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hc_metrics ENCODING 'UTF8' TEMPLATE template0;
