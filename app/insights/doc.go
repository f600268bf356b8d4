// Package insights holds what tells a publisher which partner sites and
// which articles bring readers, and whether "You may also like" is
// clicked, without tracking anyone: anonymous counts of views and clicks
// per hour, partner, placement, article and position, and an online
// comparison of the related-articles ranker with a plain baseline.
//
// Each part has a package of its own:
//   - events: what a widget's beacon says, read strictly; bots told apart;
//   - limit: a token bucket per client (an IPv4 address, an IPv6 /64),
//     in bounded memory, that keeps no address, and a ceiling over all;
//   - articles: the slugs beacons may name, remembered, so that the
//     store is asked once per slug for a while;
//   - tally: the counts in memory, written to the store every few
//     seconds and at shutdown, partners and placements folded past a
//     bound an hour;
//   - interleave: team-draft interleaving of two rankers' lists;
//   - verdict: whether the ranker beats the baseline, with a 95% interval;
//   - report: the numbers the dashboard shows;
//   - dashboard: the report of a period, read from the store, and its CSV;
//   - dashpage: the dashboard's page and charts, drawn on the server.
package insights
