/**
 * The Pekko actor tree of {@code agent-tunnel serve}: gateway, conversations, one conversation per chat thread,
 * reaper. Filled by the serve issue.
 */
package dev.agenttunnel.actors;
