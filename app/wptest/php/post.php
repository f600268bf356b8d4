<?php
// wptest: publishes a post as the site's administrator, as the editor
// does: {"title", "content"} on standard input; prints {"id", "url"}.
require ABSPATH . 'wp-load.php';
wp_set_current_user(1);
$post = json_decode(file_get_contents('php://stdin'), true);
$id = wp_insert_post(wp_slash(array(
	'post_title'   => $post['title'],
	'post_content' => $post['content'],
	'post_status'  => 'publish',
)), true);
if (is_wp_error($id)) {
	fwrite(STDERR, $id->get_error_message() . "\n");
	exit(1);
}
echo json_encode(array('id' => $id, 'url' => get_permalink($id))), "\n";
