<?php
// wptest: a classic theme's page: the posts in the loop, and the sidebar.
?><!DOCTYPE html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo( 'charset' ); ?>">
<meta name="viewport" content="width=device-width, initial-scale=1">
<?php wp_head(); ?>
</head>
<body <?php body_class(); ?>>
<div class="site">
<main>
<?php
while ( have_posts() ) {
	the_post();
	echo '<article>';
	the_title( '<h1>', '</h1>' );
	echo '<div class="entry-content">';
	the_content();
	echo '</div></article>';
}
?>
</main>
<aside><?php dynamic_sidebar( 'sidebar-1' ); ?></aside>
</div>
<?php wp_footer(); ?>
</body>
</html>
