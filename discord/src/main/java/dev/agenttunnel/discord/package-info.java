/**
 * The JDA adapter: the only module that imports JDA. Filled by the serve issue.
 */
package dev.agenttunnel.discord;
