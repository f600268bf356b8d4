<?php
// wptest: WordPress is Debian's, in /usr/share/wordpress, whose own
// wp-config.php looks for its settings in /etc/wordpress. This site's
// folder (links to Debian's files, and a wp-config.php of its own) is
// ABSPATH instead: wp-load.php then loads this site's wp-config.php.
define('ABSPATH', getenv('KIOSQUE_WP_ROOT') . '/');
