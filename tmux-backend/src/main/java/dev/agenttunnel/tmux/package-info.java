/**
 * Interactive forks in a private tmux server ({@code tmux -L agent-tunnel}). Filled by the tmux-backend issue.
 */
package dev.agenttunnel.tmux;
