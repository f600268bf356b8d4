<?php
// wptest: the classic theme's one sidebar.
add_action( 'widgets_init', function () {
	register_sidebar( array(
		'id'            => 'sidebar-1',
		'name'          => 'Sidebar',
		'before_widget' => '<section id="%1$s" class="widget %2$s">',
		'after_widget'  => '</section>',
		'before_title'  => '<h2 class="widget-title">',
		'after_title'   => '</h2>',
	) );
} );
add_action( 'wp_enqueue_scripts', function () {
	wp_enqueue_style( 'kiosque-classic', get_stylesheet_uri() );
} );
