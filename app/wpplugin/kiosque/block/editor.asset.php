<?php
/**
 * The editor script's dependencies, as a build step would write them: the
 * script is plain JavaScript, with no build.
 *
 * @package Kiosque
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-block-editor', 'wp-components', 'wp-element', 'wp-i18n' ),
	'version'      => '1.0.0',
);
