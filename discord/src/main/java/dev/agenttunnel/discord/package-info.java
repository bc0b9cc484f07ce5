/**
 * The JDA adapter, the only module that imports JDA: {@link dev.agenttunnel.discord.DiscordConnection} logs in and
 * turns every received message into a {@link dev.agenttunnel.core.chat.ChatEvent}; {@link
 * dev.agenttunnel.discord.JdaChatPort} carries out the {@link dev.agenttunnel.core.chat.ChatPort} over JDA's REST
 * actions. No JDA type crosses this package's public API.
 */
package dev.agenttunnel.discord;
