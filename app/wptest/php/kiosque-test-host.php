<?php
/*
 * Plugin Name: Kiosque's test server (tests only)
 * Description: Lets WordPress fetch Kiosque's test server on loopback, and on its port. Never on a real site.
 */

// WordPress refuses to fetch loopback addresses and ports other than 80,
// 443 and 8080 (wp_http_validate_url): both concessions are for the one
// host and port the test names, the rest stays refused.
function kiosque_test_host() {
	$parts = explode(':', (string) getenv('KIOSQUE_WP_TRUSTED'));
	return array(strtolower($parts[0]), isset($parts[1]) ? (int) $parts[1] : 80);
}

add_filter('http_request_host_is_external', function ($external, $host) {
	list($trusted) = kiosque_test_host();
	return $external || strtolower($host) === $trusted;
}, 10, 2);

add_filter('http_allowed_safe_ports', function ($ports, $host) {
	list($trusted, $port) = kiosque_test_host();
	if (strtolower($host) === $trusted) {
		$ports[] = $port;
	}
	return $ports;
}, 10, 2);
