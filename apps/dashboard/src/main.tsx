import { render } from 'preact';
import { App } from './app/App';
import { startSession } from './auth/session';
import { startRouter } from './router/router';
import './styles.css';

startRouter();
render(<App />, document.getElementById('app')!);
void startSession();
