<?php
/*
 * Plugin Name: Kiosque's query count (tests only)
 * Description: Writes, at the end of a page of the site's theme, how many database queries WordPress made for it.
 */

add_action( 'shutdown', function () {
	// Pages only: a comment would break the REST API's JSON.
	if ( did_action( 'wp_footer' ) && ! is_admin() ) {
		echo "\n<!-- kiosque-test queries: " . (int) get_num_queries() . " -->\n";
	}
}, PHP_INT_MAX );
